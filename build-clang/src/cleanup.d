build-clang/src/cleanup.o: src/cleanup.c src/cleanup.h

src/cleanup.h:
