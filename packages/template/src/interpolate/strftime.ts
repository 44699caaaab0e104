// strftime as github.com/jehiah/go-strftime (the version Packer 1.6.6 vendors) implements it: each
// directive becomes one Go layout chunk; `%%` is a percent sign; any other `%x` stays as written.

import { formatGoTime } from './go-time-format.js';

const DIRECTIVES: Readonly<Record<string, string>> = {
  a: 'Mon',
  A: 'Monday',
  b: 'Jan',
  B: 'January',
  d: '02',
  H: '15',
  I: '03',
  L: '.000',
  m: '01',
  M: '04',
  p: 'PM',
  S: '05',
  y: '06',
  Y: '2006',
  z: '-0700',
  Z: 'MST',
};

export function strftime(format: string, time: Date): string {
  let out = '';
  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf('%', i);
    const end = percent < 0 ? format.length : percent;
    out += format.slice(i, end);
    if (end + 1 < format.length) {
      const directive = String.fromCodePoint(format.codePointAt(end + 1)!);
      const layout = DIRECTIVES[directive];
      if (directive === '%') out += '%';
      else if (layout !== undefined) out += formatGoTime(time, layout);
      else out += '%' + directive;
      i = end + 1 + directive.length;
    } else {
      if (end < format.length) out += '%';
      i = format.length;
    }
  }
  return out;
}
