build-clang/src/tce.o: src/tce.c src/tce.h

src/tce.h:
