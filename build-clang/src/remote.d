build-clang/src/remote.o: src/remote.c src/proc.h src/err.h src/remote.h

src/proc.h:

src/err.h:

src/remote.h:
