build-clang/src/zcodec.o: src/zcodec.c src/byteorder.h src/zcodec.h \
  src/err.h src/extents.h

src/byteorder.h:

src/zcodec.h:

src/err.h:

src/extents.h:
