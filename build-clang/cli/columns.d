build-clang/cli/columns.o: cli/columns.c cli/columns.h cli/json.h \
  cli/obuf.h cli/digits.h

cli/columns.h:

cli/json.h:

cli/obuf.h:

cli/digits.h:
