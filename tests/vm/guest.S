/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest image for minivmm: copied to guest physical address 0 and run in
 * real mode, little-endian.  The host puts a hypercall number and up to nine
 * arguments in the mailbox, the guest issues it with "sc 1" and stores r3..r12
 * back, then leaves KVM_RUN through an hcall the kernel does not know.  The
 * host can therefore drive any hypercall sequence with one KVM_RUN each.
 *
 * Every interrupt vector holds a stub that reports the vector, SRR0 and SRR1
 * through another unknown hcall, so a guest fault ends KVM_RUN with a clear
 * message instead of looping forever.
 *
 * Everything here is position independent: only relative branches and
 * immediates, so the bytes can be copied out of the host binary as they are.
 */

#define H_MINIVMM_EXIT	0x7ffc	/* back to the host, mailbox updated */
#define H_MINIVMM_FAULT	0x7ffe	/* r4 = vector, r5 = SRR0, r6 = SRR1 */

/* Mailbox layout, mirrored by struct mailbox in minivmm.c. */
#define MB_NR	0
#define MB_ARGS	8	/* 9 arguments: r4..r12 */
#define MB_RET	80	/* r3 after the call */
#define MB_OUT	88	/* r4..r12 after the call */

	.section .rodata.minivmm_guest, "a"
	.balign	4096
	.globl	minivmm_guest_image
minivmm_guest_image:

/* One stub per 0x20 slot from 0x100 up: covers every architected vector. */
	.org	minivmm_guest_image + 0x100
	.set	vec, 0x100
	.rept	(0x1000 - 0x100) / 0x20
	li	%r3, H_MINIVMM_FAULT
	li	%r4, vec
	mfsrr0	%r5
	mfsrr1	%r6
	sc	1
	b	.
	.balign	0x20
	.set	vec, vec + 0x20
	.endr

/* Entry point, GPA 0x1000; the host sets r31 to the mailbox address. */
	.org	minivmm_guest_image + 0x1000
	.globl	minivmm_guest_entry
minivmm_guest_entry:
1:	ld	%r3, MB_NR(%r31)
	ld	%r4, MB_ARGS + 0 * 8(%r31)
	ld	%r5, MB_ARGS + 1 * 8(%r31)
	ld	%r6, MB_ARGS + 2 * 8(%r31)
	ld	%r7, MB_ARGS + 3 * 8(%r31)
	ld	%r8, MB_ARGS + 4 * 8(%r31)
	ld	%r9, MB_ARGS + 5 * 8(%r31)
	ld	%r10, MB_ARGS + 6 * 8(%r31)
	ld	%r11, MB_ARGS + 7 * 8(%r31)
	ld	%r12, MB_ARGS + 8 * 8(%r31)
	sc	1
	std	%r3, MB_RET(%r31)
	std	%r4, MB_OUT + 0 * 8(%r31)
	std	%r5, MB_OUT + 1 * 8(%r31)
	std	%r6, MB_OUT + 2 * 8(%r31)
	std	%r7, MB_OUT + 3 * 8(%r31)
	std	%r8, MB_OUT + 4 * 8(%r31)
	std	%r9, MB_OUT + 5 * 8(%r31)
	std	%r10, MB_OUT + 6 * 8(%r31)
	std	%r11, MB_OUT + 7 * 8(%r31)
	std	%r12, MB_OUT + 8 * 8(%r31)
	li	%r3, H_MINIVMM_EXIT
	sc	1
	b	1b

	.globl	minivmm_guest_image_end
minivmm_guest_image_end:

	.section .note.GNU-stack, "", @progbits
