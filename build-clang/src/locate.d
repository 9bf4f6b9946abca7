build-clang/src/locate.o: src/locate.c src/locate.h src/err.h src/maps.h \
  src/records.h src/proc.h

src/locate.h:

src/err.h:

src/maps.h:

src/records.h:

src/proc.h:
