build-clang/src/proc.o: src/proc.c src/proc.h src/err.h

src/proc.h:

src/err.h:
