build-clang/src/target.o: src/target.c src/parse.h src/target.h src/err.h \
  src/geometry.h

src/parse.h:

src/target.h:

src/err.h:

src/geometry.h:
