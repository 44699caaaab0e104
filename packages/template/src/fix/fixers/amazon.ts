import { KilnError } from '@kiln/sdk';
import { isJsonMap } from '../data.js';
import { builderMaps, buildersOfType, renameKey } from '../fixer.js';
import type { Fixer } from '../fixer.js';

const isAmazon = (type: string): boolean => type.startsWith('amazon-');

export const amazonShutdownBehavior: Fixer = {
  name: 'amazon-shutdown_behavior',
  synopsis: 'Changes "shutdown_behaviour" to "shutdown_behavior" in Amazon builders.',
  fix(template) {
    for (const builder of buildersOfType(template, isAmazon)) renameKey(builder, 'shutdown_behaviour', 'shutdown_behavior');
  },
};

export const amazonEnhancedNetworking: Fixer = {
  name: 'amazon-enhanced-networking',
  synopsis: 'Replaces "enhanced_networking" in builders with "ena_support"',
  fix(template) {
    for (const builder of buildersOfType(template, isAmazon)) {
      if (typeof builder['enhanced_networking'] === 'boolean') renameKey(builder, 'enhanced_networking', 'ena_support');
    }
  },
};

export const amazonPrivateIp: Fixer = {
  name: 'amazon-private-ip',
  synopsis: 'Replaces `"ssh_private_ip": true` in amazon builders with `"ssh_interface": "private_ip"`',
  fix(template) {
    for (const builder of buildersOfType(template, isAmazon)) {
      if (Object.hasOwn(builder, 'ssh_interface') || !Object.hasOwn(builder, 'ssh_private_ip')) continue;
      const privateIp = parseGoBool(builder['ssh_private_ip']);
      delete builder['ssh_private_ip'];
      builder['ssh_interface'] = privateIp ? 'private_ip' : 'public_ip';
    }
  },
};

/** strconv.ParseBool, with its error text (Packer panics on a non-string; we report it the same way). */
function parseGoBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new KilnError(
    'TEMPLATE_INVALID',
    `ssh_private_ip is not a boolean, strconv.ParseBool: parsing ${JSON.stringify(text)}: invalid syntax`,
  );
}

export const amazonTempSecCidrs: Fixer = {
  name: 'amazon-temp-sec-cidrs',
  synopsis:
    'Replaces "temporary_security_group_source_cidr" (string) with "temporary_security_group_source_cidrs" (list of strings)',
  fix(template) {
    for (const builder of buildersOfType(template, isAmazon)) {
      const cidr = builder['temporary_security_group_source_cidr'];
      if (typeof cidr !== 'string') continue;
      delete builder['temporary_security_group_source_cidr'];
      builder['temporary_security_group_source_cidrs'] = [cidr];
    }
  },
};

const SPOT_PRICE_BUILDERS = new Set(['amazon-ebs', 'amazon-ebssurrogate', 'amazon-ebsvolume', 'amazon-instance']);

export const spotPriceAutoProduct: Fixer = {
  name: 'spot-price-auto-product',
  synopsis: 'Removes the deprecated "spot_price_auto_product" setting from Amazon builder templates',
  fix(template) {
    for (const builder of buildersOfType(template, (type) => SPOT_PRICE_BUILDERS.has(type))) {
      delete builder['spot_price_auto_product'];
    }
  },
};

const CLEAN_NAME_FUNCTION = /clean_(image|ami)_name/g;

export const cleanImageName: Fixer = {
  name: 'clean-image-name',
  synopsis: 'Replaces /clean_(image|ami)_name/ in builder configs with "clean_resource_name"',
  fix(template) {
    // Every builder, every top-level string and every string of a top-level object (tags...).
    for (const builder of builderMaps(template)) {
      for (const [key, value] of Object.entries(builder)) {
        if (typeof value === 'string') builder[key] = value.replace(CLEAN_NAME_FUNCTION, 'clean_resource_name');
        else if (isJsonMap(value)) {
          for (const [innerKey, inner] of Object.entries(value)) {
            if (typeof inner === 'string') value[innerKey] = inner.replace(CLEAN_NAME_FUNCTION, 'clean_resource_name');
          }
        }
      }
    }
  },
};

/** Go's `\s` is ASCII whitespace only, unlike JavaScript's. */
const CREATE_TIME = /\{\{[\t\n\f\r ]*\.CreateTime[\t\n\f\r ]*\}\}/g;

export const createTime: Fixer = {
  name: 'createtime',
  synopsis: 'Replaces ".CreateTime" in builder configs with "{{timestamp}}"',
  fix(template) {
    for (const builder of builderMaps(template)) {
      for (const key of ['ami_name', 'bundle_prefix', 'snapshot_name']) {
        const value = builder[key];
        if (typeof value === 'string') builder[key] = value.replace(CREATE_TIME, '{{timestamp}}');
      }
    }
  },
};
