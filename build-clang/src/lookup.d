build-clang/src/lookup.o: src/lookup.c src/lookup.h src/extents.h \
  src/err.h src/tce.h

src/lookup.h:

src/extents.h:

src/err.h:

src/tce.h:
