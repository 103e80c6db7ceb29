// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/pmemdisk-ctl: the one way in from userspace.
 *
 * Every request is one ioctl carrying one complete structure from
 * uapi/pmemdisk.h. A request is copied in, validated as a whole, carried out,
 * and its reply copied back; a refusal changes nothing and says why in the
 * reply's reason field.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "blk.h"
#include "btt_disk.h"
#include "pmemdisk.h"
#include "../uapi/pmemdisk.h"

/* Copy back only the leading size and reason words of a refused request. */
int pmdisk_ctl_refuse(void __user *arg, u32 size, u32 reason, int err)
{
	struct { u32 size; u32 reason; } head = { size, reason };

	if (copy_to_user(arg, &head, sizeof(head)))
		return -EFAULT;
	return err;
}

/*
 * Copy a request in and check its size word; a wrong size is refused here,
 * with its reply written. @req is zeroed first so that no stale kernel bytes
 * can reach userspace when the reply is copied back.
 */
int pmdisk_ctl_copy_in(void *req, size_t req_size, void __user *arg)
{
	u32 user_size;

	memset(req, 0, req_size);
	if (get_user(user_size, (u32 __user *)arg))
		return -EFAULT;
	if (user_size != req_size)
		return pmdisk_ctl_refuse(arg, req_size, PMEMDISK_REASON_BAD_SIZE,
					 -EINVAL);
	if (copy_from_user(req, arg, req_size))
		return -EFAULT;
	return 0;
}

static long pmdisk_ctl_version(void __user *arg)
{
	struct pmemdisk_version v;
	int rc;

	rc = pmdisk_ctl_copy_in(&v, sizeof(v), arg);
	if (rc)
		return rc;
	if (memchr_inv(v.reserved, 0, sizeof(v.reserved)))
		return pmdisk_ctl_refuse(arg, sizeof(v),
				      PMEMDISK_REASON_RESERVED_NONZERO, -EINVAL);

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	v.abi_major = PMEMDISK_ABI_MAJOR;
	v.abi_minor = PMEMDISK_ABI_MINOR;
	strscpy(v.module_version, PMEMDISK_VERSION, sizeof(v.module_version));
	strscpy(v.kernel_release, utsname()->release, sizeof(v.kernel_release));
	if (copy_to_user(arg, &v, sizeof(v)))
		return -EFAULT;
	return 0;
}

/* How far a running format or check has got: read-only, for anyone. */
static long pmdisk_ctl_progress(void __user *arg)
{
	struct pmemdisk_progress p;
	int rc;

	rc = pmdisk_ctl_copy_in(&p, sizeof(p), arg);
	if (rc)
		return rc;
	if (memchr_inv(p.reserved, 0, sizeof(p.reserved)))
		return pmdisk_ctl_refuse(arg, sizeof(p),
					 PMEMDISK_REASON_RESERVED_NONZERO, -EINVAL);
	pmdisk_btt_progress(&p.done, &p.total);
	p.reason = PMEMDISK_REASON_NONE;
	return copy_to_user(arg, &p, sizeof(p)) ? -EFAULT : 0;
}

static long pmdisk_ctl_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	/* Every request that changes something needs CAP_SYS_ADMIN. */
	switch (cmd) {
	case PMEMDISK_IOC_CREATE:
	case PMEMDISK_IOC_REMOVE:
	case PMEMDISK_IOC_INIT_LABELS:
	case PMEMDISK_IOC_RESET_ID:
	case PMEMDISK_IOC_CHECK:	/* takes the disk offline, may repair */
	case PMEMDISK_IOC_CONVERT:
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		break;
	}

	switch (cmd) {
	case PMEMDISK_IOC_VERSION:
		return pmdisk_ctl_version(uarg);
	case PMEMDISK_IOC_LIST_DIMMS:
	case PMEMDISK_IOC_LIST_REGIONS:
	case PMEMDISK_IOC_LIST_DISKS:
		return pmdisk_ctl_list(cmd, uarg);
	case PMEMDISK_IOC_CREATE:
		return pmdisk_ctl_create(uarg);
	case PMEMDISK_IOC_REMOVE:
		return pmdisk_ctl_remove(uarg);
	case PMEMDISK_IOC_INIT_LABELS:
		return pmdisk_ctl_init_labels(uarg);
	case PMEMDISK_IOC_RESET_ID:
		return pmdisk_ctl_reset_id(uarg);
	case PMEMDISK_IOC_READ_LABELS:
		return pmdisk_ctl_read_labels(uarg);
	case PMEMDISK_IOC_CHECK:
		return pmdisk_ctl_check(uarg);
	case PMEMDISK_IOC_CONVERT:
		return pmdisk_ctl_convert(uarg);
	case PMEMDISK_IOC_PROGRESS:
		return pmdisk_ctl_progress(uarg);
	default:
		return -ENOTTY;
	}
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
