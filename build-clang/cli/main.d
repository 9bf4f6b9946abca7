build-clang/cli/main.o: cli/main.c cli/cli.h cli/../src/err.h \
  cli/../src/target.h cli/../src/geometry.h cli/json.h cli/obuf.h

cli/cli.h:

cli/../src/err.h:

cli/../src/target.h:

cli/../src/geometry.h:

cli/json.h:

cli/obuf.h:
