// The scanner of Go's text/template (parse/lex.go of Go 1.19, the Go that built the reference
// Packer 1.6.6): the same states, the same tokens, the same line counting and the same error texts.
// Positions are UTF-16 offsets into the text; error columns are converted to bytes where reported.

import { codePoints, isDigit, isLetter, isPrint, quote, utf8Length } from './strconv.js';

export type ItemType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'comment'
  | 'complex'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  // Keywords.
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

export interface Item {
  readonly type: ItemType;
  readonly pos: number;
  readonly val: string;
  readonly line: number;
}

const KEYWORDS: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['.', 'dot'],
  ['block', 'block'],
  ['break', 'break'],
  ['continue', 'continue'],
  ['define', 'define'],
  ['else', 'else'],
  ['end', 'end'],
  ['if', 'if'],
  ['range', 'range'],
  ['nil', 'nil'],
  ['template', 'template'],
  ['with', 'with'],
]);

const KEYWORD_TYPES: ReadonlySet<ItemType> = new Set(KEYWORDS.values());

function isKeyword(type: ItemType): boolean {
  return KEYWORD_TYPES.has(type);
}

/** item.String() of Go: how a token is named in `unexpected ...` errors. */
export function describeItem(item: Item): string {
  if (item.type === 'eof') return 'EOF';
  if (item.type === 'error') return item.val;
  if (isKeyword(item.type)) return `<${item.val}>`;
  // Go's `%.10q...`: longer than 10 bytes, cut to 10 runes.
  if (utf8Length(item.val) > 10) {
    const cut = codePoints(item.val)
      .slice(0, 10)
      .map((cp) => String.fromCodePoint(cp))
      .join('');
    return quote(cut) + '...';
  }
  return quote(item.val);
}

const EOF = -1;
const LEFT_DELIM = '{{';
const RIGHT_DELIM = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';
const TRIM_MARKER_LEN = 2;

function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

function isAlphaNumeric(r: number): boolean {
  return r === 0x5f || (r >= 0 && (isLetter(r) || isDigit(r)));
}

function hasLeftTrimMarker(s: string): boolean {
  return s.length >= 2 && s[0] === '-' && isSpace(s.charCodeAt(1));
}

function hasRightTrimMarker(s: string): boolean {
  return s.length >= 2 && isSpace(s.charCodeAt(0)) && s[1] === '-';
}

function rightTrimLength(s: string): number {
  return s.length - s.replace(/[ \t\r\n]+$/, '').length;
}

function leftTrimLength(s: string): number {
  return s.length - s.replace(/^[ \t\r\n]+/, '').length;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** %#U of Go: `U+0040 '@'` (the quoted rune only when printable). */
export function formatUnicode(r: number): string {
  const code = 'U+' + r.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(r) ? `${code} '${String.fromCodePoint(r)}'` : code;
}

type StateFn = ((l: Lexer) => StateFn) | null;

export class Lexer {
  private input: string;
  private pos = 0;
  private start = 0;
  private atEOF = false;
  private parenDepth = 0;
  private line = 1;
  private startLine = 1;
  private item: Item;
  private insideAction = false;
  /** Go 1.19 emits a stray `)` and only then its error. */
  private pendingError: string | undefined;

  constructor(input: string) {
    this.input = input;
    this.item = { type: 'eof', pos: 0, val: 'EOF', line: 1 };
  }

  nextItem(): Item {
    this.item = { type: 'eof', pos: this.pos, val: 'EOF', line: this.startLine };
    if (this.pendingError !== undefined) {
      const message = this.pendingError;
      this.pendingError = undefined;
      this.errorf(message);
      return this.item;
    }
    let state: StateFn = this.insideAction ? lexInsideAction : lexText;
    while (state) state = state(this);
    return this.item;
  }

  // Scanning primitives.

  next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return EOF;
    }
    const r = this.input.codePointAt(this.pos)!;
    this.pos += r > 0xffff ? 2 : 1;
    if (r === 0x0a) this.line++;
    return r;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const low = this.input.charCodeAt(this.pos - 1);
      const isPair = low >= 0xdc00 && low <= 0xdfff && this.pos >= 2 && this.isHighSurrogateAt(this.pos - 2);
      this.pos -= isPair ? 2 : 1;
      if (low === 0x0a) this.line--;
    }
  }

  private isHighSurrogateAt(index: number): boolean {
    const c = this.input.charCodeAt(index);
    return c >= 0xd800 && c <= 0xdbff;
  }

  private thisItem(type: ItemType): Item {
    const item = { type, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine };
    this.start = this.pos;
    this.startLine = this.line;
    return item;
  }

  emit(type: ItemType): StateFn {
    return this.emitItem(this.thisItem(type));
  }

  private emitItem(item: Item): StateFn {
    this.item = item;
    return null;
  }

  private ignore(): void {
    this.line += countNewlines(this.input.slice(this.start, this.pos));
    this.start = this.pos;
    this.startLine = this.line;
  }

  private accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) return true;
    this.backup();
    return false;
  }

  private acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || !valid.includes(String.fromCodePoint(r))) break;
    }
    this.backup();
  }

  errorf(message: string): StateFn {
    this.item = { type: 'error', pos: this.start, val: message, line: this.startLine };
    this.start = 0;
    this.pos = 0;
    this.input = '';
    return null;
  }

  private atRightDelim(): { delim: boolean; trimSpaces: boolean } {
    const rest = this.input.slice(this.pos);
    if (hasRightTrimMarker(rest) && rest.slice(TRIM_MARKER_LEN).startsWith(RIGHT_DELIM)) {
      return { delim: true, trimSpaces: true };
    }
    if (rest.startsWith(RIGHT_DELIM)) return { delim: true, trimSpaces: false };
    return { delim: false, trimSpaces: false };
  }

  private atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    switch (r) {
      case EOF:
      case 0x2e: // .
      case 0x2c: // ,
      case 0x7c: // |
      case 0x3a: // :
      case 0x29: // )
      case 0x28: // (
        return true;
    }
    return this.input.startsWith(RIGHT_DELIM, this.pos);
  }

  // States.

  lexText(): StateFn {
    const x = this.input.indexOf(LEFT_DELIM, this.pos);
    if (x >= 0) {
      if (x > this.pos) {
        this.pos = x;
        let trimLength = 0;
        if (hasLeftTrimMarker(this.input.slice(this.pos + LEFT_DELIM.length))) {
          trimLength = rightTrimLength(this.input.slice(this.start, this.pos));
        }
        this.pos -= trimLength;
        this.line += countNewlines(this.input.slice(this.start, this.pos));
        const item = this.thisItem('text');
        this.pos += trimLength;
        this.ignore();
        if (item.val.length > 0) return this.emitItem(item);
      }
      return lexLeftDelim;
    }
    this.pos = this.input.length;
    if (this.pos > this.start) {
      this.line += countNewlines(this.input.slice(this.start, this.pos));
      return this.emit('text');
    }
    return this.emit('eof');
  }

  lexLeftDelim(): StateFn {
    this.pos += LEFT_DELIM.length;
    const trimSpace = hasLeftTrimMarker(this.input.slice(this.pos));
    const afterMarker = trimSpace ? TRIM_MARKER_LEN : 0;
    if (this.input.startsWith(LEFT_COMMENT, this.pos + afterMarker)) {
      this.pos += afterMarker;
      this.ignore();
      return lexComment;
    }
    const item = this.thisItem('leftDelim');
    this.insideAction = true;
    this.pos += afterMarker;
    this.ignore();
    this.parenDepth = 0;
    return this.emitItem(item);
  }

  lexComment(): StateFn {
    this.pos += LEFT_COMMENT.length;
    const x = this.input.indexOf(RIGHT_COMMENT, this.pos);
    if (x < 0) return this.errorf('unclosed comment');
    this.pos = x + RIGHT_COMMENT.length;
    const { delim, trimSpaces } = this.atRightDelim();
    if (!delim) return this.errorf('comment ends before closing delimiter');
    this.line += countNewlines(this.input.slice(this.start, this.pos));
    this.thisItem('comment');
    if (trimSpaces) this.pos += TRIM_MARKER_LEN;
    this.pos += RIGHT_DELIM.length;
    if (trimSpaces) this.pos += leftTrimLength(this.input.slice(this.pos));
    this.ignore();
    return lexText;
  }

  lexRightDelim(): StateFn {
    const { trimSpaces } = this.atRightDelim();
    if (trimSpaces) {
      this.pos += TRIM_MARKER_LEN;
      this.ignore();
    }
    this.pos += RIGHT_DELIM.length;
    const item = this.thisItem('rightDelim');
    if (trimSpaces) {
      this.pos += leftTrimLength(this.input.slice(this.pos));
      this.ignore();
    }
    this.insideAction = false;
    return this.emitItem(item);
  }

  lexInsideAction(): StateFn {
    if (this.atRightDelim().delim) {
      if (this.parenDepth === 0) return lexRightDelim;
      return this.errorf('unclosed left paren');
    }
    const r = this.next();
    if (r === EOF) return this.errorf('unclosed action');
    if (isSpace(r)) {
      this.backup();
      return lexSpace;
    }
    switch (r) {
      case 0x3d: // =
        return this.emit('assign');
      case 0x3a: // :
        if (this.next() !== 0x3d) return this.errorf('expected :=');
        return this.emit('declare');
      case 0x7c: // |
        return this.emit('pipe');
      case 0x22: // "
        return lexQuote;
      case 0x60: // `
        return lexRawQuote;
      case 0x24: // $
        return lexVariable;
      case 0x27: // '
        return lexChar;
      case 0x28: // (
        this.parenDepth++;
        return this.emit('leftParen');
      case 0x29: // )
        this.parenDepth--;
        if (this.parenDepth < 0) this.pendingError = `unexpected right paren ${formatUnicode(r)}`;
        return this.emit('rightParen');
    }
    if (r === 0x2e) {
      // A '.' followed by a digit starts a number; anything else is a field.
      const following = this.input.charCodeAt(this.pos);
      if (this.pos < this.input.length && (following < 0x30 || following > 0x39)) return lexField;
    }
    if (r === 0x2e || r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
      this.backup();
      return lexNumber;
    }
    if (isAlphaNumeric(r)) {
      this.backup();
      return lexIdentifier;
    }
    if (r <= 0x7f && isPrint(r)) return this.emit('char');
    return this.errorf(`unrecognized character in action: ${formatUnicode(r)}`);
  }

  lexSpace(): StateFn {
    let numSpaces = 0;
    while (isSpace(this.peek())) {
      this.next();
      numSpaces++;
    }
    const before = this.input.slice(this.pos - 1);
    if (hasRightTrimMarker(before) && before.slice(TRIM_MARKER_LEN).startsWith(RIGHT_DELIM)) {
      this.backup();
      if (numSpaces === 1) return lexRightDelim;
    }
    return this.emit('space');
  }

  lexIdentifier(): StateFn {
    for (;;) {
      const r = this.next();
      if (isAlphaNumeric(r)) continue;
      this.backup();
      const word = this.input.slice(this.start, this.pos);
      if (!this.atTerminator()) return this.errorf(`bad character ${formatUnicode(r)}`);
      const keyword = KEYWORDS.get(word);
      if (keyword !== undefined && keyword !== 'dot') return this.emit(keyword);
      if (word[0] === '.') return this.emit('field');
      if (word === 'true' || word === 'false') return this.emit('bool');
      return this.emit('identifier');
    }
  }

  lexFieldOrVariable(type: 'field' | 'variable'): StateFn {
    if (this.atTerminator()) return this.emit(type === 'variable' ? 'variable' : 'dot');
    let r: number;
    for (;;) {
      r = this.next();
      if (!isAlphaNumeric(r)) {
        this.backup();
        break;
      }
    }
    if (!this.atTerminator()) return this.errorf(`bad character ${formatUnicode(r)}`);
    return this.emit(type);
  }

  lexChar(): StateFn {
    for (;;) {
      let r = this.next();
      if (r === 0x5c) {
        r = this.next();
        if (r !== EOF && r !== 0x0a) continue;
      }
      if (r === EOF || r === 0x0a) return this.errorf('unterminated character constant');
      if (r === 0x27) break;
    }
    return this.emit('charConstant');
  }

  lexNumber(): StateFn {
    if (!this.scanNumber()) return this.errorf(`bad number syntax: ${quote(this.input.slice(this.start, this.pos))}`);
    const sign = this.peek();
    if (sign === 0x2b || sign === 0x2d) {
      if (!this.scanNumber() || this.input[this.pos - 1] !== 'i') {
        return this.errorf(`bad number syntax: ${quote(this.input.slice(this.start, this.pos))}`);
      }
      return this.emit('complex');
    }
    return this.emit('number');
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }

  lexQuote(): StateFn {
    for (;;) {
      let r = this.next();
      if (r === 0x5c) {
        r = this.next();
        if (r !== EOF && r !== 0x0a) continue;
      }
      if (r === EOF || r === 0x0a) return this.errorf('unterminated quoted string');
      if (r === 0x22) break;
    }
    return this.emit('string');
  }

  lexRawQuote(): StateFn {
    for (;;) {
      const r = this.next();
      if (r === EOF) return this.errorf('unterminated raw quoted string');
      if (r === 0x60) break;
    }
    return this.emit('rawString');
  }
}

const lexText = (l: Lexer): StateFn => l.lexText();
const lexLeftDelim = (l: Lexer): StateFn => l.lexLeftDelim();
const lexComment = (l: Lexer): StateFn => l.lexComment();
const lexRightDelim = (l: Lexer): StateFn => l.lexRightDelim();
const lexInsideAction = (l: Lexer): StateFn => l.lexInsideAction();
const lexSpace = (l: Lexer): StateFn => l.lexSpace();
const lexIdentifier = (l: Lexer): StateFn => l.lexIdentifier();
const lexField = (l: Lexer): StateFn => l.lexFieldOrVariable('field');
const lexVariable = (l: Lexer): StateFn => l.lexFieldOrVariable('variable');
const lexChar = (l: Lexer): StateFn => l.lexChar();
const lexNumber = (l: Lexer): StateFn => l.lexNumber();
const lexQuote = (l: Lexer): StateFn => l.lexQuote();
const lexRawQuote = (l: Lexer): StateFn => l.lexRawQuote();
