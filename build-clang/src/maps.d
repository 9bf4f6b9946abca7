build-clang/src/maps.o: src/maps.c src/maps.h src/err.h src/proc.h

src/maps.h:

src/err.h:

src/proc.h:
