build-clang/cli/fields.o: cli/fields.c cli/../src/proc.h cli/../src/err.h \
  cli/../src/records.h cli/../src/maps.h cli/fields.h cli/../src/table.h \
  cli/../src/geometry.h cli/../src/locate.h cli/json.h cli/obuf.h

cli/../src/proc.h:

cli/../src/err.h:

cli/../src/records.h:

cli/../src/maps.h:

cli/fields.h:

cli/../src/table.h:

cli/../src/geometry.h:

cli/../src/locate.h:

cli/json.h:

cli/obuf.h:
