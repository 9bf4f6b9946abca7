build-clang/src/parse.o: src/parse.c src/parse.h

src/parse.h:
