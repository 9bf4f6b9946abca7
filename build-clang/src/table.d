build-clang/src/table.o: src/table.c src/probe.h src/proc.h src/err.h \
  src/remote.h src/table.h src/geometry.h src/locate.h src/maps.h \
  src/records.h

src/probe.h:

src/proc.h:

src/err.h:

src/remote.h:

src/table.h:

src/geometry.h:

src/locate.h:

src/maps.h:

src/records.h:
