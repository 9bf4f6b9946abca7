build-clang/src/match.o: src/match.c src/match.h src/err.h src/table.h \
  src/geometry.h src/locate.h src/maps.h src/records.h

src/match.h:

src/err.h:

src/table.h:

src/geometry.h:

src/locate.h:

src/maps.h:

src/records.h:
