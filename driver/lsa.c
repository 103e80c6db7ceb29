// SPDX-License-Identifier: GPL-2.0
/*
 * A DIMM's label storage area (LSA) as a pmdisk_media, for the label core.
 *
 * Transports, in the order Linux prefers them:
 *  - the Intel DSM (revision 1) label functions 4 (size), 5 (read), 6 (write)
 *    on the DIMM's ACPI device, when all three are implemented;
 *  - ACPI 6.2 _LSI / _LSR / _LSW; without _LSW the labels are read-only;
 *  - simulated DIMMs keep their area in RAM.
 * Firmware moves at most max_xfer bytes per call, so every access is split
 * into chunks. Firmware writes are synchronous: persist is a no-op. Every
 * chunk written is read back and compared: firmware has been seen to report
 * success for data it dropped (QEMU 7.2's _LSW truncates its input to the
 * 8-byte header), and labels are too important to trust a status word.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "core/label.h"
#include "dirty_shutdown.h"
#include "lsa.h"
#include "pmemdisk.h"
#include "region.h"

/* 4309ac30-0d11-11e4-9191-0800200c9a66: the Intel NVDIMM DSM family */
static const guid_t pmdisk_intel_dsm_guid =
	GUID_INIT(0x4309ac30, 0x0d11, 0x11e4,
		  0x91, 0x91, 0x08, 0x00, 0x20, 0x0c, 0x9a, 0x66);

/* labels=: how label areas are reached, parsed once, when the module loads */
enum pmdisk_labels_via { PMDISK_VIA_AUTO, PMDISK_VIA_DSM, PMDISK_VIA_LSX };
static const char * const pmdisk_via_names[] = { "auto", "dsm", "lsx" };
static enum pmdisk_labels_via labels_via = PMDISK_VIA_AUTO;

static int labels_set(const char *val, const struct kernel_param *kp)
{
	int via = sysfs_match_string(pmdisk_via_names, val);

	if (via < 0) {
		pr_err("labels=%s is not auto, dsm or lsx\n", val);
		return -EINVAL;
	}
	labels_via = via;
	return 0;
}

static int labels_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", pmdisk_via_names[labels_via]);
}

static const struct kernel_param_ops labels_ops = {
	.set = labels_set,
	.get = labels_get,
};
module_param_cb(labels, &labels_ops, NULL, 0444);
MODULE_PARM_DESC(labels,
		 "label transport for NVDIMMs: auto (Intel DSM if complete, else _LSI/_LSR/_LSW), dsm, or lsx");

#define DSM_REVISION		1
#define DSM_GET_LABEL_SIZE	4
#define DSM_GET_LABEL_DATA	5
#define DSM_SET_LABEL_DATA	6
#define LSX_STATUS_LOCKED	3

static u32 get_le32(const void *p)
{
	__le32 v;

	memcpy(&v, p, sizeof(v));
	return le32_to_cpu(v);
}

static void put_le32(u32 x, void *p)
{
	__le32 v = cpu_to_le32(x);

	memcpy(p, &v, sizeof(v));
}

static struct pmdisk_dimm *media_dimm(struct pmdisk_media *m)
{
	return container_of(m, struct pmdisk_lsa_media, media)->dimm;
}

bool pmdisk_dsm_has(acpi_handle h, u64 func)
{
	return acpi_check_dsm(h, &pmdisk_intel_dsm_guid, DSM_REVISION, BIT(func));
}

int pmdisk_dsm_call(acpi_handle h, u64 func, void *in, u32 in_len,
		    void *out, u32 out_len)
{
	union acpi_object in_buf = {
		.buffer = { .type = ACPI_TYPE_BUFFER, .length = in_len, .pointer = in },
	};
	union acpi_object in_pkg = {
		.package = { .type = ACPI_TYPE_PACKAGE, .count = 1, .elements = &in_buf },
	};
	union acpi_object *obj;
	u32 status, len;
	int rc;

	obj = acpi_evaluate_dsm(h, &pmdisk_intel_dsm_guid, DSM_REVISION, func, &in_pkg);
	if (!obj)
		return -EIO;
	if (obj->type != ACPI_TYPE_BUFFER || obj->buffer.length < 4) {
		rc = -EIO;
		goto out;
	}
	status = get_le32(obj->buffer.pointer);
	if (status) {
		rc = -EIO;
		goto out;
	}
	len = min_t(u32, out_len, obj->buffer.length - 4);
	if (out)
		memcpy(out, obj->buffer.pointer + 4, len);
	rc = len;
out:
	ACPI_FREE(obj);
	return rc;
}

static int dsm_read(acpi_handle h, u32 off, void *buf, u32 len)
{
	__le32 in[2] = { cpu_to_le32(off), cpu_to_le32(len) };
	int rc = pmdisk_dsm_call(h, DSM_GET_LABEL_DATA, in, sizeof(in), buf, len);

	return rc < 0 ? rc : rc == len ? 0 : -EIO;
}

static int dsm_write(acpi_handle h, u32 off, const void *buf, u32 len)
{
	u8 *in = kmalloc(8 + len, GFP_KERNEL);
	int rc;

	if (!in)
		return -ENOMEM;
	put_le32(off, in);
	put_le32(len, in + 4);
	memcpy(in + 8, buf, len);
	rc = pmdisk_dsm_call(h, DSM_SET_LABEL_DATA, in, 8 + len, NULL, 0);
	kfree(in);
	return rc < 0 ? rc : 0;
}

/* _LSR(offset, length) -> Package { Integer status, Buffer data } */
static int lsx_read(acpi_handle h, u32 off, void *buf, u32 len)
{
	union acpi_object args[2] = {
		{ .integer = { .type = ACPI_TYPE_INTEGER, .value = off } },
		{ .integer = { .type = ACPI_TYPE_INTEGER, .value = len } },
	};
	struct acpi_object_list in = { .count = 2, .pointer = args };
	struct acpi_buffer out = { ACPI_ALLOCATE_BUFFER, NULL };
	union acpi_object *pkg;
	int rc = -EIO;

	if (ACPI_FAILURE(acpi_evaluate_object(h, "_LSR", &in, &out)))
		return -EIO;
	pkg = out.pointer;
	if (pkg && pkg->type == ACPI_TYPE_PACKAGE && pkg->package.count == 2 &&
	    pkg->package.elements[0].type == ACPI_TYPE_INTEGER &&
	    pkg->package.elements[1].type == ACPI_TYPE_BUFFER) {
		u64 status = pkg->package.elements[0].integer.value;

		if (status == LSX_STATUS_LOCKED)
			rc = -EACCES;
		else if (!status && pkg->package.elements[1].buffer.length == len) {
			memcpy(buf, pkg->package.elements[1].buffer.pointer, len);
			rc = 0;
		}
	}
	ACPI_FREE(out.pointer);
	return rc;
}

/* _LSW(offset, length, Buffer) -> Integer status */
static int lsx_write(acpi_handle h, u32 off, const void *buf, u32 len)
{
	union acpi_object args[3] = {
		{ .integer = { .type = ACPI_TYPE_INTEGER, .value = off } },
		{ .integer = { .type = ACPI_TYPE_INTEGER, .value = len } },
		{ .buffer = { .type = ACPI_TYPE_BUFFER, .length = len,
			      .pointer = (void *)buf } },
	};
	struct acpi_object_list in = { .count = 3, .pointer = args };
	unsigned long long status;

	if (ACPI_FAILURE(acpi_evaluate_integer(h, "_LSW", &in, &status)))
		return -EIO;
	return status == LSX_STATUS_LOCKED ? -EACCES : status ? -EIO : 0;
}

static int lsa_chunk_read(struct pmdisk_dimm *dimm, u32 off, void *buf, u32 len)
{
	if (dimm->label_method == PMDISK_LABELS_DSM)
		return dsm_read(dimm->acpi, off, buf, len);
	return lsx_read(dimm->acpi, off, buf, len);
}

/* Write one chunk, then read it back: the firmware must hold what we gave. */
static int lsa_chunk_write(struct pmdisk_dimm *dimm, u32 off, const void *buf,
			   u32 len, void *check)
{
	int rc;

	if (dimm->label_method == PMDISK_LABELS_DSM)
		rc = dsm_write(dimm->acpi, off, buf, len);
	else
		rc = lsx_write(dimm->acpi, off, buf, len);
	if (!rc)
		rc = lsa_chunk_read(dimm, off, check, len);
	if (!rc && memcmp(check, buf, len)) {
		pr_err("dimm%u: label area write at %u (%u bytes) did not stick: the firmware reported success but holds other data\n",
		       dimm->id, off, len);
		rc = -EIO;
	}
	return rc;
}

static int lsa_io(struct pmdisk_media *m, u64 off, void *buf, size_t len,
		  bool write)
{
	struct pmdisk_dimm *dimm = media_dimm(m);
	void *check = NULL;
	size_t done;
	int rc = 0;

	if (dimm->label_method == PMDISK_LABELS_SIM) {
		if (write)
			memcpy(dimm->sim_labels + off, buf, len);
		else
			memcpy(buf, dimm->sim_labels + off, len);
		return 0;
	}
	if (write && !dimm->labels_writable)
		return -EROFS;
	if (write) {
		check = kmalloc(min_t(size_t, len, dimm->label_max_xfer), GFP_KERNEL);
		if (!check)
			return -ENOMEM;
	}
	for (done = 0; done < len && !rc; ) {
		u32 chunk = min_t(size_t, len - done, dimm->label_max_xfer);
		u32 at = off + done;

		if (write)
			rc = lsa_chunk_write(dimm, at, buf + done, chunk, check);
		else
			rc = lsa_chunk_read(dimm, at, buf + done, chunk);
		done += chunk;
	}
	kfree(check);
	return rc;
}

static int lsa_read(struct pmdisk_media *m, u64 off, void *buf, size_t len)
{
	return lsa_io(m, off, buf, len, false);
}

static int lsa_write(struct pmdisk_media *m, u64 off, const void *buf, size_t len)
{
	return lsa_io(m, off, (void *)buf, len, true);
}

static void lsa_persist(struct pmdisk_media *m)
{
}

static const struct pmdisk_media_ops pmdisk_lsa_ops = {
	.read = lsa_read,
	.write = lsa_write,
	.persist = lsa_persist,
};

/* Find how @dimm's label area is reached and how large it is. */
static void lsa_probe_acpi(struct pmdisk_dimm *dimm, struct acpi_device *root)
{
	struct acpi_device *adev = acpi_find_child_by_adr(root, dimm->handle);
	unsigned long long v;
	u32 out[2];

	if (!adev)
		return;
	dimm->acpi = acpi_device_handle(adev);
	if (labels_via != PMDISK_VIA_LSX &&
	    acpi_check_dsm(dimm->acpi, &pmdisk_intel_dsm_guid, DSM_REVISION,
			   BIT(DSM_GET_LABEL_SIZE) | BIT(DSM_GET_LABEL_DATA) |
			   BIT(DSM_SET_LABEL_DATA)) &&
	    pmdisk_dsm_call(dimm->acpi, DSM_GET_LABEL_SIZE, NULL, 0, out, sizeof(out)) == sizeof(out)) {
		dimm->label_method = PMDISK_LABELS_DSM;
		dimm->label_size = get_le32(&out[0]);
		dimm->label_max_xfer = get_le32(&out[1]);
		dimm->labels_writable = true;
	} else if (labels_via != PMDISK_VIA_DSM &&
		   acpi_has_method(dimm->acpi, "_LSI") &&
		   acpi_has_method(dimm->acpi, "_LSR")) {
		struct acpi_buffer buf = { ACPI_ALLOCATE_BUFFER, NULL };
		union acpi_object *pkg;

		if (ACPI_FAILURE(acpi_evaluate_object(dimm->acpi, "_LSI", NULL, &buf)))
			return;
		pkg = buf.pointer;
		if (pkg && pkg->type == ACPI_TYPE_PACKAGE && pkg->package.count == 3 &&
		    pkg->package.elements[0].type == ACPI_TYPE_INTEGER &&
		    pkg->package.elements[1].type == ACPI_TYPE_INTEGER &&
		    pkg->package.elements[2].type == ACPI_TYPE_INTEGER &&
		    !pkg->package.elements[0].integer.value) {
			dimm->label_method = PMDISK_LABELS_LSX;
			v = pkg->package.elements[1].integer.value;
			dimm->label_size = min_t(u64, v, U32_MAX);
			v = pkg->package.elements[2].integer.value;
			dimm->label_max_xfer = min_t(u64, v, U32_MAX);
			dimm->labels_writable = acpi_has_method(dimm->acpi, "_LSW");
		}
		ACPI_FREE(buf.pointer);
	}
	if (dimm->label_method != PMDISK_LABELS_NONE && !dimm->label_max_xfer) {
		pr_warn("dimm%u: firmware reports a zero label transfer size; labels not used\n",
			dimm->id);
		dimm->label_method = PMDISK_LABELS_NONE;
	}
}

static const char *const pmdisk_label_method_names[] = {
	[PMDISK_LABELS_NONE] = "none",
	[PMDISK_LABELS_DSM] = "Intel DSM",
	[PMDISK_LABELS_LSX] = "_LSI/_LSR/_LSW",
	[PMDISK_LABELS_SIM] = "RAM (simulated)",
};

/* Read the DIMM's index blocks and record what state its labels are in. */
int pmdisk_dimm_lsa_load(struct pmdisk_dimm *dimm, struct pmdisk_lsa *lsa)
{
	if (dimm->label_method == PMDISK_LABELS_NONE)
		return -ENODEV;
	return pmdisk_lsa_load(lsa, &dimm->lsa_media.media);
}

void pmdisk_dimm_labels_reload(struct pmdisk_dimm *dimm)
{
	enum pmdisk_label_state state = PMDISK_LABEL_STATE_ABSENT;
	struct pmdisk_lsa lsa;
	int rc;

	rc = pmdisk_dimm_lsa_load(dimm, &lsa);
	if (rc && rc != -ENODEV) {
		mutex_lock(&pmdisk_regions_lock);
		dimm->label_state = PMDISK_LABEL_STATE_ERROR;
		mutex_unlock(&pmdisk_regions_lock);
		pr_warn("dimm%u: cannot read the label area (%d)\n", dimm->id, rc);
		return;
	}
	if (!rc) {
		state = lsa.label_size == 256 ? PMDISK_LABEL_STATE_V1_2 :
						PMDISK_LABEL_STATE_V1_1;
		pmdisk_dimm_shutdown_probe(dimm, &lsa);
	}
	mutex_lock(&pmdisk_regions_lock);
	dimm->label_state = state;
	if (!rc) {
		dimm->label_nslot = lsa.nslot;
		dimm->label_used = pmdisk_lsa_used(&lsa);
	}
	mutex_unlock(&pmdisk_regions_lock);
	if (!rc)
		pmdisk_lsa_release(&lsa);
	pr_info("dimm%u (%s): %u KiB label area via %s%s: %s\n", dimm->id,
		dimm->nfit_id, dimm->label_size >> 10, pmdisk_label_method_names[dimm->label_method],
		dimm->labels_writable ? "" : " (read-only)",
		dimm->label_state == PMDISK_LABEL_STATE_ABSENT ?
		"no valid index (label-less)" :
		dimm->label_state == PMDISK_LABEL_STATE_V1_2 ? "labels v1.2" : "labels v1.1");
	if (dimm->label_state == PMDISK_LABEL_STATE_V1_1 ||
	    dimm->label_state == PMDISK_LABEL_STATE_V1_2)
		pr_info("dimm%u: %u of %u label slots in use\n", dimm->id,
			dimm->label_used, dimm->label_nslot);
}

void pmdisk_labels_probe(void)
{
	struct acpi_device *root = acpi_dev_get_first_match_dev("ACPI0012", NULL, -1);
	struct pmdisk_dimm *dimm;

	/* at load: no request can run yet, and nothing lists the DIMMs */
	mutex_lock(&pmdisk_ctl_lock);
	list_for_each_entry(dimm, &pmdisk_dimms, list) {
		if (dimm->simulated) {
			dimm->label_method = PMDISK_LABELS_SIM;
			dimm->labels_writable = true;
			dimm->label_max_xfer = dimm->label_size;
		} else if (root) {
			lsa_probe_acpi(dimm, root);
		}
		if (dimm->label_method == PMDISK_LABELS_NONE) {
			dimm->label_state = PMDISK_LABEL_STATE_NONE;
			continue;
		}
		dimm->lsa_media.media.ops = &pmdisk_lsa_ops;
		dimm->lsa_media.media.size = dimm->label_size;
		dimm->lsa_media.dimm = dimm;
		if (dimm->label_size > PMDISK_LSA_MAX_SIZE) {
			pr_warn("dimm%u: label area of %u bytes is larger than the %u supported; labels not used\n",
				dimm->id, dimm->label_size, PMDISK_LSA_MAX_SIZE);
			dimm->label_state = PMDISK_LABEL_STATE_ERROR;
			continue;
		}
		pmdisk_dimm_labels_reload(dimm);
	}
	mutex_unlock(&pmdisk_ctl_lock);
	acpi_dev_put(root);
}
