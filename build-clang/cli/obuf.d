build-clang/cli/obuf.o: cli/obuf.c cli/digits.h cli/obuf.h

cli/digits.h:

cli/obuf.h:
