build-clang/cli/badopt.o: cli/badopt.c cli/badopt.h

cli/badopt.h:
