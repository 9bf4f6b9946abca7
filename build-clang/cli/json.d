build-clang/cli/json.o: cli/json.c cli/digits.h cli/escape.h cli/json.h \
  cli/obuf.h

cli/digits.h:

cli/escape.h:

cli/json.h:

cli/obuf.h:
