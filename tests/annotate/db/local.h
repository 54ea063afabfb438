/* Included by -include local.h of the compile command (db.cmake). */
#define LOCAL_N 1
