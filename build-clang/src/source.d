build-clang/src/source.o: src/source.c src/source.h src/checkpoint.h \
  src/err.h src/extents.h src/table.h src/geometry.h src/locate.h \
  src/maps.h src/records.h src/parse.h src/proc.h src/target.h

src/source.h:

src/checkpoint.h:

src/err.h:

src/extents.h:

src/table.h:

src/geometry.h:

src/locate.h:

src/maps.h:

src/records.h:

src/parse.h:

src/proc.h:

src/target.h:
