// Device names as LVM2 builds them (libdm `dm_build_dm_name`): every '-' inside the VG, LV or
// layer name is doubled so the single '-' separators stay unambiguous.

const escapeDashes = (part: string): string => part.replace(/-/g, '--');

/** `dmName('my-vg', 'lv-1')` = "my--vg-lv--1"; a layer is appended with '-' unless it starts with '_'. */
export function dmName(vg: string, lv: string, layer?: string): string {
  const base = `${escapeDashes(vg)}-${escapeDashes(lv)}`;
  if (!layer) return base;
  return layer.startsWith('_') ? `${base}${escapeDashes(layer)}` : `${base}-${escapeDashes(layer)}`;
}

/** Names dmsetup accepts: 1–127 printable characters, no '/', not "." or "..". */
export function invalidDeviceName(name: string): string | undefined {
  if (name.length === 0 || name.length > 127) return `the device name '${name}' must be 1 to 127 characters long`;
  if (name === '.' || name === '..' || name.includes('/') || !/^[\x21-\x7e]+$/.test(name)) {
    return `the device name '${name}' may contain printable characters only, without '/' or spaces`;
  }
  return undefined;
}
