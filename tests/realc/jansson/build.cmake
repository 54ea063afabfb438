# jansson: the whole library (src/), with its configure's results written
# as our config/ headers.
set(PKG_SOURCES "")
foreach(f dump error hashtable hashtable_seed load memory pack_unpack strbuffer strconv utf
    value version)
  list(APPEND PKG_SOURCES ${SRC}/src/${f}.c)
endforeach()
list(APPEND PKG_SOURCES ${HERE}/driver.c)
set(PKG_INCLUDES ${HERE}/config ${SRC}/src)
set(PKG_DEFINES _GNU_SOURCE HAVE_CONFIG_H)
