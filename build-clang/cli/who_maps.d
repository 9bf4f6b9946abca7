build-clang/cli/who_maps.o: cli/who_maps.c cli/../src/lookup.h \
  cli/../src/extents.h cli/../src/err.h cli/../src/parse.h \
  cli/../src/tce.h cli/cli.h cli/../src/target.h cli/../src/geometry.h \
  cli/json.h cli/obuf.h cli/columns.h cli/fields.h cli/../src/table.h \
  cli/../src/locate.h cli/../src/maps.h cli/../src/records.h cli/visit.h

cli/../src/lookup.h:

cli/../src/extents.h:

cli/../src/err.h:

cli/../src/parse.h:

cli/../src/tce.h:

cli/cli.h:

cli/../src/target.h:

cli/../src/geometry.h:

cli/json.h:

cli/obuf.h:

cli/columns.h:

cli/fields.h:

cli/../src/table.h:

cli/../src/locate.h:

cli/../src/maps.h:

cli/../src/records.h:

cli/visit.h:
