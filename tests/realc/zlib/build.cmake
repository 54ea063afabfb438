# zlib: the one-shot codec and the checksums (what the driver uses).
set(PKG_SOURCES
  ${SRC}/compress.c ${SRC}/uncompr.c ${SRC}/deflate.c ${SRC}/trees.c ${SRC}/inflate.c
  ${SRC}/inftrees.c ${SRC}/inffast.c ${SRC}/zutil.c ${SRC}/adler32.c ${SRC}/crc32.c
  ${HERE}/driver.c)
set(PKG_INCLUDES ${SRC})
set(PKG_DEFINES _GNU_SOURCE HAVE_UNISTD_H)
set(PKG_LIBS Threads::Threads)
