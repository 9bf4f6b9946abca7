build-clang/src/checkpoint.o: src/checkpoint.c src/byteorder.h \
  src/checkpoint.h src/err.h src/extents.h src/table.h src/geometry.h \
  src/locate.h src/maps.h src/records.h src/cleanup.h src/parse.h \
  src/zcodec.h

src/byteorder.h:

src/checkpoint.h:

src/err.h:

src/extents.h:

src/table.h:

src/geometry.h:

src/locate.h:

src/maps.h:

src/records.h:

src/cleanup.h:

src/parse.h:

src/zcodec.h:
