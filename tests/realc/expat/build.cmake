# expat: the parser, its tokenizer and its role state machine.
set(PKG_SOURCES ${SRC}/expat/lib/xmlparse.c ${SRC}/expat/lib/xmlrole.c
  ${SRC}/expat/lib/xmltok.c ${HERE}/driver.c)
set(PKG_INCLUDES ${HERE}/config ${SRC}/expat/lib)
set(PKG_DEFINES _GNU_SOURCE)
