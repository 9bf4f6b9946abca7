build-clang/cli/checkpoint.o: cli/checkpoint.c cli/../src/byteorder.h \
  cli/../src/checkpoint.h cli/../src/err.h cli/../src/extents.h \
  cli/../src/table.h cli/../src/geometry.h cli/../src/locate.h \
  cli/../src/maps.h cli/../src/records.h cli/../src/freeze.h \
  cli/../src/source.h cli/../src/parse.h cli/../src/proc.h \
  cli/../src/target.h cli/cli.h cli/json.h cli/obuf.h

cli/../src/byteorder.h:

cli/../src/checkpoint.h:

cli/../src/err.h:

cli/../src/extents.h:

cli/../src/table.h:

cli/../src/geometry.h:

cli/../src/locate.h:

cli/../src/maps.h:

cli/../src/records.h:

cli/../src/freeze.h:

cli/../src/source.h:

cli/../src/parse.h:

cli/../src/proc.h:

cli/../src/target.h:

cli/cli.h:

cli/json.h:

cli/obuf.h:
