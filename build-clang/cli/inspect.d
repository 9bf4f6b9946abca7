build-clang/cli/inspect.o: cli/inspect.c cli/../src/checkpoint.h \
  cli/../src/err.h cli/../src/extents.h cli/../src/table.h \
  cli/../src/geometry.h cli/../src/locate.h cli/../src/maps.h \
  cli/../src/records.h cli/../src/parse.h cli/cli.h cli/../src/target.h \
  cli/json.h cli/obuf.h cli/escape.h cli/fields.h

cli/../src/checkpoint.h:

cli/../src/err.h:

cli/../src/extents.h:

cli/../src/table.h:

cli/../src/geometry.h:

cli/../src/locate.h:

cli/../src/maps.h:

cli/../src/records.h:

cli/../src/parse.h:

cli/cli.h:

cli/../src/target.h:

cli/json.h:

cli/obuf.h:

cli/escape.h:

cli/fields.h:
