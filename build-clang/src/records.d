build-clang/src/records.o: src/records.c src/geometry.h src/err.h \
  src/records.h src/maps.h src/remote.h

src/geometry.h:

src/err.h:

src/records.h:

src/maps.h:

src/remote.h:
