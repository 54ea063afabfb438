# cJSON: the parser and its utilities (JSON pointer, patches).
set(PKG_SOURCES ${SRC}/cJSON.c ${SRC}/cJSON_Utils.c ${HERE}/driver.c)
set(PKG_INCLUDES ${SRC})
set(PKG_LIBS m)
