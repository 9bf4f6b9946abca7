build-clang/cli/lines.o: cli/lines.c cli/../src/diff.h cli/../src/err.h \
  cli/../src/extents.h cli/../src/tce.h cli/digits.h cli/lines.h \
  cli/../src/table.h cli/../src/geometry.h cli/../src/locate.h \
  cli/../src/maps.h cli/../src/records.h cli/json.h cli/obuf.h

cli/../src/diff.h:

cli/../src/err.h:

cli/../src/extents.h:

cli/../src/tce.h:

cli/digits.h:

cli/lines.h:

cli/../src/table.h:

cli/../src/geometry.h:

cli/../src/locate.h:

cli/../src/maps.h:

cli/../src/records.h:

cli/json.h:

cli/obuf.h:
