/**
 * i18next-cli configuration: which message ids `src/` uses.
 *
 * `npm run i18n:check` (scripts/i18n-check.mjs) runs this extractor in memory (`findKeys`, which
 * never writes a file) to learn every key the widget can ask for, then compares the locale files
 * with that list itself.
 *
 * i18next-cli finds `t('form.submit')`, `this.t(...)`, `this.locale.t(...)` and conditionals of
 * literals by itself. It silently skips two patterns this codebase relies on, so the plugin below
 * adds them rather than letting the check trust whatever en.json happens to contain:
 *
 * - message ids passed around as data, `{ key: 'validation.email' }` (validators, config problems,
 *   campaign-document errors), later shown with `t(error.key)`;
 * - keys built from a variable, t(`share.${channel}`). Each such template must be listed in
 *   DYNAMIC_KEYS with every key it can produce; an unlisted one fails the check, so a new dynamic
 *   key cannot slip past it.
 */
import { defineConfig, type Plugin } from 'i18next-cli';
import { FIELD_DEFINITIONS, LETTER_SPECS } from './src/form/fields.js';
import { SHARE_CHANNELS } from './src/share/share-links.js';

/**
 * Every key a template literal in `src/` can produce, by the template's shape (`${…}` for each
 * variable part). Taken from the code's own constants where it has them, so adding a share channel
 * or a field needs no edit here; the rest are TypeScript unions, copied with a pointer to them.
 * The check also fails on an en.json key nothing uses, so a list that falls behind shows up.
 */
const DYNAMIC_KEYS: Readonly<Record<string, readonly string[]>> = {
  // views/share-list.ts: a label per channel, plus the browser's own share sheet ('native').
  'share.${…}': [...SHARE_CHANNELS, 'native'].map((channel) => `share.${channel}`),
  // appeal-widget.component.ts label(): `field.${key}` for every signer field…
  'field.${…}': Object.values(FIELD_DEFINITIONS).map((field) => `field.${field.key}`),
  // …and `letter.${key.slice(7).toLowerCase()}` for the letter's messageSubject and messageBody.
  'letter.${…}': LETTER_SPECS.map((spec) => `letter.${spec.key.slice('message'.length).toLowerCase()}`),
  // appeal-widget.component.ts: `notice.${kind}`, kinds from its `Notice` type.
  'notice.${…}': ['queued', 'unsaved', 'invalid', 'rateLimited', 'rejected'].map((kind) => `notice.${kind}`),
  // appeal-widget.component.ts consentText(): `consent.${mode}${organiser ? 'Organiser' : ''}`, for
  // the modes that show a consent text (config/read-config.ts: checkbox, radio; `none` shows none).
  'consent.${…}${…}': ['checkbox', 'radio'].flatMap((mode) => [`consent.${mode}`, `consent.${mode}Organiser`]),
  // appeal-widget.component.ts renderConsent(): `consent.${answer}`, the radio buttons' labels.
  'consent.${…}': ['consent.yes', 'consent.no'],
};

/** Looks like a message id (`section.name`), as opposed to a field key such as `firstName`. */
const MESSAGE_ID = /^[A-Za-z]\w*(\.\w+)+$/;

/** A node of the syntax tree i18next-cli parses with SWC; only the fields read here matter. */
type AstNode = { type: string; [field: string]: any };

/** The file of each key this plugin adds, so the check can say where a key comes from. */
export const keySources = new Map<string, string>();

/** The strings `node` can evaluate to, or undefined when it depends on a variable. */
function literalValues(node: AstNode | undefined | null): string[] | undefined {
  switch (node?.type) {
    case 'StringLiteral':
      return [node.value];
    case 'NumericLiteral':
    case 'BooleanLiteral':
      return [String(node.value)];
    case 'ParenthesisExpression':
    case 'TsAsExpression':
    case 'TsConstAssertion':
    case 'TsSatisfiesExpression':
      return literalValues(node.expression);
    case 'TsLiteralType':
      return literalValues(node.literal);
    case 'TsUnionType': {
      const parts = node.types.map(literalValues);
      return parts.every(Boolean) ? parts.flat() : undefined;
    }
    case 'ConditionalExpression': {
      const [yes, no] = [literalValues(node.consequent), literalValues(node.alternate)];
      return yes && no ? [...yes, ...no] : undefined;
    }
    case 'TemplateLiteral':
      return node.expressions.reduce(
        (prefixes: string[] | undefined, expression: AstNode, index: number) => {
          const values = literalValues(expression);
          const after = node.quasis[index + 1]?.cooked ?? '';
          return prefixes && values && prefixes.flatMap((prefix) => values.map((value) => prefix + value + after));
        },
        [node.quasis[0]?.cooked ?? ''],
      );
    default:
      return undefined;
  }
}

/** `t(…)`, `this.t(…)`, `this.locale.t(…)`: the calls i18next-cli's default `functions` match. */
function isTranslateCall(node: AstNode): boolean {
  if (node.type !== 'CallExpression') return false;
  const callee = node.callee as AstNode;
  return (
    (callee.type === 'Identifier' && callee.value === 't') ||
    (callee.type === 'MemberExpression' && callee.property?.type === 'Identifier' && callee.property.value === 't')
  );
}

/** The template literals among the possible keys of a `t()` call's first argument that use a variable. */
function dynamicTemplates(argument: AstNode | undefined): AstNode[] {
  if (argument?.type === 'ConditionalExpression') {
    return [...dynamicTemplates(argument.consequent), ...dynamicTemplates(argument.alternate)];
  }
  return argument?.type === 'TemplateLiteral' && !literalValues(argument) ? [argument] : [];
}

/** `share.${channel}` → `share.${…}`. */
function templateShape(template: AstNode): string {
  return template.quasis.map((quasi: AstNode) => quasi.cooked ?? quasi.raw).join('${…}');
}

/** The message ids `node` gives to something named `key` (property, variable, or type), if any. */
function messageIds(node: AstNode): string[] {
  const named = (id: AstNode | undefined) =>
    (id?.type === 'Identifier' || id?.type === 'StringLiteral') && id.value === 'key';
  let values: string[] | undefined;
  if (node.type === 'KeyValueProperty' && named(node.key)) values = literalValues(node.value);
  else if (node.type === 'VariableDeclarator' && named(node.id)) values = literalValues(node.init);
  else if (node.type === 'AssignmentExpression' && named(node.left)) values = literalValues(node.right);
  else if (node.type === 'TsPropertySignature' && named(node.key)) values = literalValues(node.typeAnnotation?.typeAnnotation);
  return (values ?? []).filter((value) => MESSAGE_ID.test(value));
}

/** Adds the keys i18next-cli cannot see by itself (see the comment at the top). */
function widgetKeys(): Plugin {
  let file = '';
  const unlisted: string[] = [];
  return {
    name: 'appeal-widget-keys',
    setup() {
      keySources.clear();
      unlisted.length = 0;
    },
    onLoad(code: string, path: string) {
      file = path; // files are read one after another, so this names the file being visited
      return code;
    },
    onVisitNode(node: unknown, context: { addKey(key: { key: string; ns: string; defaultValue: string }): void }) {
      const add = (key: string) => {
        if (!keySources.has(key)) keySources.set(key, file);
        context.addKey({ key, ns: 'translation', defaultValue: key });
      };
      const ast = node as AstNode;
      messageIds(ast).forEach(add);
      if (!isTranslateCall(ast)) return;
      for (const template of dynamicTemplates(ast.arguments?.[0]?.expression)) {
        const keys = DYNAMIC_KEYS[templateShape(template)];
        if (keys) keys.forEach(add);
        else unlisted.push(`${file} builds a key from a variable, \`${templateShape(template)}\`, that DYNAMIC_KEYS in i18next.config.ts does not list: add every key it can produce there, so the check can see them.`);
      }
    },
    onEnd() {
      // Throwing rather than warning: a key the check cannot see is a key it cannot vouch for.
      if (unlisted.length) throw Object.assign(new Error(unlisted.join('\n')), { problems: [...unlisted] });
    },
  };
}

export default defineConfig({
  locales: ['en'],
  extract: {
    input: ['src/**/*.ts'],
    ignore: ['src/**/*.d.ts'],
    // Deliberately not locales/: i18next-cli 1.5 expects one file per namespace, or wraps a
    // merged file in {"translation": {…}}, so `npx i18next-cli extract` aimed at locales/ would
    // rewrite every translation in a shape the widget cannot read. Here it only leaves a scratch copy.
    output: 'node_modules/.cache/i18next-cli/{{language}}/{{namespace}}.json',
    primaryLanguage: 'en',
    functions: ['t', '*.t'],
    transComponents: [],
    sort: false,
  },
  plugins: [widgetKeys()],
});
