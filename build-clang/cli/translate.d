build-clang/cli/translate.o: cli/translate.c cli/../src/lookup.h \
  cli/../src/extents.h cli/../src/err.h cli/../src/parse.h \
  cli/../src/source.h cli/../src/checkpoint.h cli/../src/table.h \
  cli/../src/geometry.h cli/../src/locate.h cli/../src/maps.h \
  cli/../src/records.h cli/../src/proc.h cli/../src/target.h \
  cli/../src/tce.h cli/cli.h cli/json.h cli/obuf.h cli/fields.h \
  cli/visit.h

cli/../src/lookup.h:

cli/../src/extents.h:

cli/../src/err.h:

cli/../src/parse.h:

cli/../src/source.h:

cli/../src/checkpoint.h:

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

cli/fields.h:

cli/visit.h:
