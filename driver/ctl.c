// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/pmemdisk-ctl: the one way in from userspace.
 *
 * Every request is one ioctl carrying one complete structure from
 * uapi/pmemdisk.h. The table below says, per request, how large the
 * structure this module knows is, whether it needs CAP_SYS_ADMIN, whether it
 * is serialised with the other provisioning requests, and which handler
 * carries it out. Everything common happens here once: the structure is
 * copied in (copy_struct_from_user: shorter from an older tool, zero-filled;
 * longer from a newer one, if what this module does not know is zero), its
 * size word and reserved words are checked, the handler runs, and the reply
 * goes back. A refusal changes nothing and says why in the reply's reason.
 *
 * Requests are told apart by type and number (_IOC_TYPE, _IOC_NR) and must
 * be read-write; the size in the command number (_IOC_SIZE) is the size of
 * the caller's structure, which its size word must repeat.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "btt_disk.h"
#include "pmemdisk.h"
#include "../uapi/pmemdisk.h"

/*
 * The ABI's sizes, checked once: no implicit padding (the sum of the fields),
 * and a change in size is a change of ABI (it grows at the end, and the
 * minor version with it).
 */
static_assert(sizeof(struct pmemdisk_version) == 144);
static_assert(sizeof(struct pmemdisk_list) == 48);
static_assert(sizeof(struct pmemdisk_dimm_info) == 88);
static_assert(sizeof(struct pmemdisk_region_info) == 264);
static_assert(sizeof(struct pmemdisk_disk_info) == 136);
static_assert(sizeof(struct pmemdisk_create) == 168);
static_assert(sizeof(struct pmemdisk_remove) == 48);
static_assert(sizeof(struct pmemdisk_init_labels) == 56);
static_assert(sizeof(struct pmemdisk_reset_id) == 64);
static_assert(sizeof(struct pmemdisk_read_labels) == 48);
static_assert(sizeof(struct pmemdisk_check) == 104);
static_assert(sizeof(struct pmemdisk_convert) == 64);
static_assert(sizeof(struct pmemdisk_progress) == 40);

/* Every structure starts with its size and reason words. */
struct pmdisk_ctl_head {
	u32 size;
	u32 reason;
};

#define PMDISK_CTL_ADMIN	(1 << 0)	/* needs CAP_SYS_ADMIN */
#define PMDISK_CTL_SERIAL	(1 << 1)	/* under pmdisk_ctl_lock */
#define PMDISK_CTL_ANSWERS	(1 << 2)	/* a refusal replies in full */

/*
 * One request. @fn gets the zero-extended copy, size and reserved words
 * checked, and returns a PMEMDISK_REASON_* (0: done, reply in place), or a
 * negative errno when there is no reply to give (-ENOMEM, -EFAULT).
 */
struct pmdisk_ctl_cmd {
	unsigned int nr;		/* _IOC_NR of its command */
	u16 size;			/* of the structure this module knows */
	u16 reserved, reserved_len;	/* its trailing reserved[] words */
	unsigned int flags;		/* PMDISK_CTL_* */
	long (*fn)(void *req);
};

#define PMDISK_CTL_CMD(ioc, type, f, handler) {				\
	.nr = _IOC_NR(ioc),						\
	.size = sizeof(type) + BUILD_BUG_ON_ZERO(_IOC_SIZE(ioc) != sizeof(type)), \
	.reserved = offsetof(type, reserved),				\
	.reserved_len = sizeof_field(type, reserved),			\
	.flags = (f),							\
	.fn = (handler),						\
}

/* Changes run one at a time (see pmemdisk.h). */
DEFINE_MUTEX(pmdisk_ctl_lock);

static long pmdisk_ctl_version(void *data)
{
	struct pmemdisk_version *v = data;

	v->abi_major = PMEMDISK_ABI_MAJOR;
	v->abi_minor = PMEMDISK_ABI_MINOR;
	memset(v->module_version, 0, sizeof(v->module_version));
	memset(v->kernel_release, 0, sizeof(v->kernel_release));
	strscpy(v->module_version, PMEMDISK_VERSION, sizeof(v->module_version));
	strscpy(v->kernel_release, utsname()->release, sizeof(v->kernel_release));
	return PMEMDISK_REASON_NONE;
}

/* How far a running format or check has got: read-only, for anyone. */
static long pmdisk_ctl_progress(void *data)
{
	struct pmemdisk_progress *p = data;

	pmdisk_btt_progress(&p->done, &p->total);
	return PMEMDISK_REASON_NONE;
}

static const struct pmdisk_ctl_cmd pmdisk_ctl_cmds[] = {
	PMDISK_CTL_CMD(PMEMDISK_IOC_VERSION, struct pmemdisk_version, 0,
		       pmdisk_ctl_version),
	PMDISK_CTL_CMD(PMEMDISK_IOC_LIST_DIMMS, struct pmemdisk_list, 0,
		       pmdisk_ctl_list_dimms),
	PMDISK_CTL_CMD(PMEMDISK_IOC_LIST_REGIONS, struct pmemdisk_list, 0,
		       pmdisk_ctl_list_regions),
	PMDISK_CTL_CMD(PMEMDISK_IOC_LIST_DISKS, struct pmemdisk_list, 0,
		       pmdisk_ctl_list_disks),
	PMDISK_CTL_CMD(PMEMDISK_IOC_READ_LABELS, struct pmemdisk_read_labels,
		       PMDISK_CTL_SERIAL, pmdisk_ctl_read_labels),
	/* no lock: it reports on the request that holds it */
	PMDISK_CTL_CMD(PMEMDISK_IOC_PROGRESS, struct pmemdisk_progress, 0,
		       pmdisk_ctl_progress),
	/* a refused create says where it would go and the largest free extent */
	PMDISK_CTL_CMD(PMEMDISK_IOC_CREATE, struct pmemdisk_create,
		       PMDISK_CTL_ADMIN | PMDISK_CTL_SERIAL | PMDISK_CTL_ANSWERS,
		       pmdisk_ctl_create),
	PMDISK_CTL_CMD(PMEMDISK_IOC_REMOVE, struct pmemdisk_remove,
		       PMDISK_CTL_ADMIN | PMDISK_CTL_SERIAL, pmdisk_ctl_remove),
	PMDISK_CTL_CMD(PMEMDISK_IOC_INIT_LABELS, struct pmemdisk_init_labels,
		       PMDISK_CTL_ADMIN | PMDISK_CTL_SERIAL, pmdisk_ctl_init_labels),
	PMDISK_CTL_CMD(PMEMDISK_IOC_RESET_ID, struct pmemdisk_reset_id,
		       PMDISK_CTL_ADMIN | PMDISK_CTL_SERIAL, pmdisk_ctl_reset_id),
	/* takes the disk offline, may repair */
	PMDISK_CTL_CMD(PMEMDISK_IOC_CHECK, struct pmemdisk_check,
		       PMDISK_CTL_ADMIN | PMDISK_CTL_SERIAL, pmdisk_ctl_check),
	PMDISK_CTL_CMD(PMEMDISK_IOC_CONVERT, struct pmemdisk_convert,
		       PMDISK_CTL_ADMIN | PMDISK_CTL_SERIAL, pmdisk_ctl_convert),
};

/* Room for the largest structure of the table. */
union pmdisk_ctl_req {
	struct pmdisk_ctl_head head;
	struct pmemdisk_version version;
	struct pmemdisk_list list;
	struct pmemdisk_create create;
	struct pmemdisk_remove remove;
	struct pmemdisk_init_labels init_labels;
	struct pmemdisk_reset_id reset_id;
	struct pmemdisk_read_labels read_labels;
	struct pmemdisk_check check;
	struct pmemdisk_convert convert;
	struct pmemdisk_progress progress;
};

static int pmdisk_reason_errno(u32 reason)
{
	switch (reason) {
	case PMEMDISK_REASON_UNKNOWN_REGION:
	case PMEMDISK_REASON_UNKNOWN_DISK:
	case PMEMDISK_REASON_UNKNOWN_DEVICE:
		return -ENOENT;
	case PMEMDISK_REASON_NO_SPACE:
	case PMEMDISK_REASON_NO_LABEL_SLOT:
	case PMEMDISK_REASON_TOO_MANY_DISKS:
	case PMEMDISK_REASON_TOO_SMALL_FOR_BTT:
		return -ENOSPC;
	case PMEMDISK_REASON_DISK_OPEN:
		return -EBUSY;
	case PMEMDISK_REASON_READONLY:
	case PMEMDISK_REASON_LABELS_READONLY:
		return -EROFS;
	case PMEMDISK_REASON_DUPLICATE_UUID:
		return -EEXIST;
	case PMEMDISK_REASON_NO_LABEL_AREA:
		return -ENXIO;
	case PMEMDISK_REASON_LABEL_IO:
	case PMEMDISK_REASON_MEDIA_IO:
		return -EIO;
	case PMEMDISK_REASON_INTERRUPTED:
		return -EINTR;
	case PMEMDISK_REASON_DAX_UNSUPPORTED:
	case PMEMDISK_REASON_DAX_DISK:
		return -EOPNOTSUPP;
	case PMEMDISK_REASON_NO_MEMORY:
		return -ENOMEM;
	case PMEMDISK_REASON_DISK_SETUP:
		return -EIO;
	default:
		return -EINVAL;
	}
}

/* Reply to a refused request with its size and reason words only. */
static int pmdisk_ctl_refuse(void __user *arg, const struct pmdisk_ctl_cmd *c,
			     u32 reason, int err)
{
	struct pmdisk_ctl_head head = { c->size, reason };

	if (copy_to_user(arg, &head, sizeof(head)))
		return -EFAULT;
	return err;
}

static const struct pmdisk_ctl_cmd *pmdisk_ctl_lookup(unsigned int cmd)
{
	unsigned int i;

	if (_IOC_TYPE(cmd) != PMEMDISK_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(pmdisk_ctl_cmds); i++)
		if (pmdisk_ctl_cmds[i].nr == _IOC_NR(cmd))
			return &pmdisk_ctl_cmds[i];
	return NULL;
}

static long pmdisk_ctl_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	const struct pmdisk_ctl_cmd *c = pmdisk_ctl_lookup(cmd);
	void __user *uarg = (void __user *)arg;
	size_t usize = _IOC_SIZE(cmd);
	union pmdisk_ctl_req req;
	long ret;
	int rc;

	if (!c)
		return -ENOTTY;
	if ((c->flags & PMDISK_CTL_ADMIN) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (usize < sizeof(req.head))
		return -EINVAL;		/* no room for a reason */
	rc = copy_struct_from_user(&req, c->size, uarg, usize);
	if (rc == -E2BIG)	/* it sets fields this module does not know */
		return pmdisk_ctl_refuse(uarg, c, PMEMDISK_REASON_BAD_SIZE, -E2BIG);
	if (rc)
		return rc;
	if (req.head.size != usize)
		return pmdisk_ctl_refuse(uarg, c, PMEMDISK_REASON_BAD_SIZE, -EINVAL);
	if (memchr_inv((u8 *)&req + c->reserved, 0, c->reserved_len))
		return pmdisk_ctl_refuse(uarg, c, PMEMDISK_REASON_RESERVED_NONZERO,
					 -EINVAL);

	if (c->flags & PMDISK_CTL_SERIAL)
		mutex_lock(&pmdisk_ctl_lock);
	ret = c->fn(&req);
	if (c->flags & PMDISK_CTL_SERIAL)
		mutex_unlock(&pmdisk_ctl_lock);
	if (ret < 0)
		return ret;
	/* a refusal's other words may hold half-made answers */
	if (ret && !(c->flags & PMDISK_CTL_ANSWERS))
		return pmdisk_ctl_refuse(uarg, c, ret, pmdisk_reason_errno(ret));
	req.head.size = c->size;
	req.head.reason = ret;
	if (copy_to_user(uarg, &req, min_t(size_t, usize, c->size)))
		return -EFAULT;
	return ret ? pmdisk_reason_errno(ret) : 0;
}

static const struct file_operations pmdisk_ctl_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = pmdisk_ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice pmdisk_ctl_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = PMEMDISK_CTL_NAME,
	.fops = &pmdisk_ctl_fops,
	.mode = 0600,
};

int pmdisk_ctl_init(void)
{
	int rc = misc_register(&pmdisk_ctl_dev);

	if (rc)
		pr_err("cannot register /dev/%s: %d\n", PMEMDISK_CTL_NAME, rc);
	return rc;
}

void pmdisk_ctl_exit(void)
{
	misc_deregister(&pmdisk_ctl_dev);
}
