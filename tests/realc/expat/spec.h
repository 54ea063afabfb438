/* spec.h - expat (Debian's source package "expat") annotated from outside:
 * xmlparse.c, xmlrole.c and xmltok.c stay as the archive ships them.
 *
 * One module: the parser reaches the tokenizer through the function table
 * of its ENCODING (enc->scanners[...]), which cannot cross an FMP.  The
 * parser is a handle; the program's handlers are callbacks it stores and
 * calls from its FMP back into the program's.
 */
#include <fracture.h>

#include "expat.h"

FRACTURE_MODULE_FILES(expat, FR_RESTARTABLE, "xmlparse.c", "xmlrole.c", "xmltok.c");

FRACTURE_OPAQUE(struct XML_ParserStruct);

/* The bytes of a document: len of them, no NUL to be found. */
enum XML_Status XML_Parse(XML_Parser parser, FR_IN(len) const char *s, int len, int isFinal);
/* The program's own data, handed back to its handlers. */
void XML_SetUserData(XML_Parser parser, FR_OPAQUE void *userData);
void XML_SetElementHandler(XML_Parser parser, FR_CALLBACK XML_StartElementHandler start,
                           FR_CALLBACK XML_EndElementHandler end);
void XML_SetCharacterDataHandler(XML_Parser parser,
                                 FR_CALLBACK XML_CharacterDataHandler handler);
void XML_SetCommentHandler(XML_Parser parser, FR_CALLBACK XML_CommentHandler handler);
void XML_SetProcessingInstructionHandler(XML_Parser parser,
                                         FR_CALLBACK XML_ProcessingInstructionHandler handler);
FR_RET_STRING const XML_LChar *XML_ErrorString(enum XML_Error code);
FR_RET_STRING const XML_LChar *XML_ExpatVersion(void);

/* The driver's handlers (static in driver.c), called from expat's FMP. */
static void on_start(FR_OPAQUE void *ud, const XML_Char *name, FR_OPAQUE const XML_Char **atts);
static void on_end(FR_OPAQUE void *ud, const XML_Char *name);
static void on_text(FR_OPAQUE void *ud, FR_IN(len) const XML_Char *s, int len);
static void on_comment(FR_OPAQUE void *ud, const XML_Char *data);
static void on_pi(FR_OPAQUE void *ud, const XML_Char *target, const XML_Char *data);
