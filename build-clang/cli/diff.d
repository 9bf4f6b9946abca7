build-clang/cli/diff.o: cli/diff.c cli/../src/diff.h cli/../src/err.h \
  cli/../src/extents.h cli/../src/match.h cli/../src/table.h \
  cli/../src/geometry.h cli/../src/locate.h cli/../src/maps.h \
  cli/../src/records.h cli/../src/source.h cli/../src/checkpoint.h \
  cli/../src/parse.h cli/../src/proc.h cli/../src/target.h \
  cli/../src/tce.h cli/cli.h cli/json.h cli/obuf.h cli/lines.h

cli/../src/diff.h:

cli/../src/err.h:

cli/../src/extents.h:

cli/../src/match.h:

cli/../src/table.h:

cli/../src/geometry.h:

cli/../src/locate.h:

cli/../src/maps.h:

cli/../src/records.h:

cli/../src/source.h:

cli/../src/checkpoint.h:

cli/../src/parse.h:

cli/../src/proc.h:

cli/../src/target.h:

cli/../src/tce.h:

cli/cli.h:

cli/json.h:

cli/obuf.h:

cli/lines.h:
