build-clang/src/freeze.o: src/freeze.c src/cleanup.h src/freeze.h \
  src/err.h

src/cleanup.h:

src/freeze.h:

src/err.h:
