build-clang/cli/visit.o: cli/visit.c cli/../src/proc.h cli/../src/err.h \
  cli/../src/source.h cli/../src/checkpoint.h cli/../src/extents.h \
  cli/../src/table.h cli/../src/geometry.h cli/../src/locate.h \
  cli/../src/maps.h cli/../src/records.h cli/../src/parse.h \
  cli/../src/target.h cli/cli.h cli/json.h cli/obuf.h cli/escape.h \
  cli/visit.h

cli/../src/proc.h:

cli/../src/err.h:

cli/../src/source.h:

cli/../src/checkpoint.h:

cli/../src/extents.h:

cli/../src/table.h:

cli/../src/geometry.h:

cli/../src/locate.h:

cli/../src/maps.h:

cli/../src/records.h:

cli/../src/parse.h:

cli/../src/target.h:

cli/cli.h:

cli/json.h:

cli/obuf.h:

cli/escape.h:

cli/visit.h:
