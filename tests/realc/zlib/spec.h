/* spec.h - zlib (Debian's source package "zlib") annotated from outside:
 * its sources stay as the archive ships them (tests/realc/README.md).
 *
 * Two modules: the codec (deflate, inflate and what they share) and the
 * checksums, which the codec calls on every block it reads or writes, so
 * that isolating the checksums puts a real boundary inside zlib itself.
 * zutil.c stays with the codec: deflate and inflate reach its zcalloc and
 * zcfree through strm->zalloc / strm->zfree, function pointers stored in
 * the z_stream, which cannot cross an FMP.
 */
#include <fracture.h>

#include "zlib.h"

FRACTURE_MODULE_FILES(zcodec, FR_RESTARTABLE, "compress.c", "uncompr.c", "deflate.c",
                      "trees.c", "inflate.c", "inftrees.c", "inffast.c", "zutil.c");
FRACTURE_MODULE_FILES(zcheck, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE, "adler32.c",
                      "crc32.c");

/* One-shot codec calls: the whole input in, at most *destLen bytes out,
 * *destLen the length written.  Both run to completion within the call,
 * so a restarted codec loses nothing. */
int compress2(FR_OUT(*destLen) Bytef *dest, uLongf *destLen, FR_IN(sourceLen) const Bytef *source,
              uLong sourceLen, int level);
int uncompress(FR_OUT(*destLen) Bytef *dest, uLongf *destLen,
               FR_IN(sourceLen) const Bytef *source, uLong sourceLen);
FR_RET_STRING const char *zlibVersion(void);

/* Checksums of len bytes. */
uLong adler32(uLong adler, FR_IN(len) const Bytef *buf, uInt len);
uLong crc32(uLong crc, FR_IN(len) const Bytef *buf, uInt len);
