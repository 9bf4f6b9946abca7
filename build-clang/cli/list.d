build-clang/cli/list.o: cli/list.c cli/../src/parse.h cli/../src/proc.h \
  cli/../src/err.h cli/cli.h cli/../src/target.h cli/../src/geometry.h \
  cli/json.h cli/obuf.h cli/columns.h cli/escape.h cli/fields.h \
  cli/../src/table.h cli/../src/locate.h cli/../src/maps.h \
  cli/../src/records.h cli/visit.h cli/../src/extents.h

cli/../src/parse.h:

cli/../src/proc.h:

cli/../src/err.h:

cli/cli.h:

cli/../src/target.h:

cli/../src/geometry.h:

cli/json.h:

cli/obuf.h:

cli/columns.h:

cli/escape.h:

cli/fields.h:

cli/../src/table.h:

cli/../src/locate.h:

cli/../src/maps.h:

cli/../src/records.h:

cli/visit.h:

cli/../src/extents.h:
