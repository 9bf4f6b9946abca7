build-clang/cli/dump.o: cli/dump.c cli/../src/parse.h cli/../src/source.h \
  cli/../src/checkpoint.h cli/../src/err.h cli/../src/extents.h \
  cli/../src/table.h cli/../src/geometry.h cli/../src/locate.h \
  cli/../src/maps.h cli/../src/records.h cli/../src/proc.h \
  cli/../src/target.h cli/../src/tce.h cli/cli.h cli/json.h cli/obuf.h \
  cli/digits.h cli/escape.h cli/fields.h cli/lines.h cli/visit.h

cli/../src/parse.h:

cli/../src/source.h:

cli/../src/checkpoint.h:

cli/../src/err.h:

cli/../src/extents.h:

cli/../src/table.h:

cli/../src/geometry.h:

cli/../src/locate.h:

cli/../src/maps.h:

cli/../src/records.h:

cli/../src/proc.h:

cli/../src/target.h:

cli/../src/tce.h:

cli/cli.h:

cli/json.h:

cli/obuf.h:

cli/digits.h:

cli/escape.h:

cli/fields.h:

cli/lines.h:

cli/visit.h:
