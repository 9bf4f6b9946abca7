build-clang/src/restore.o: src/restore.c src/restore.h src/diff.h \
  src/err.h src/extents.h src/table.h src/geometry.h src/locate.h \
  src/maps.h src/records.h

src/restore.h:

src/diff.h:

src/err.h:

src/extents.h:

src/table.h:

src/geometry.h:

src/locate.h:

src/maps.h:

src/records.h:
