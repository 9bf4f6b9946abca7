build-clang/src/geometry.o: src/geometry.c src/geometry.h src/err.h

src/geometry.h:

src/err.h:
