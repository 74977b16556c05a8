/**
 * The names mllint looks for as its config file (DESIGN.md §5), in order. File discovery skips them: a
 * config is not a manifest.
 */
export const CONFIG_FILE_NAMES = ['.mllint.yaml', 'mllint.config.yaml', 'rules.config.yaml'];
