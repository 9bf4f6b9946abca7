build-clang/src/extents.o: src/extents.c src/extents.h src/err.h \
  src/tce.h

src/extents.h:

src/err.h:

src/tce.h:
