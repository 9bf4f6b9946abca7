build-clang/src/diff.o: src/diff.c src/diff.h src/err.h src/extents.h

src/diff.h:

src/err.h:

src/extents.h:
