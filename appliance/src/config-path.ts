/** Default location of the boot config on the appliance (its own module: the commands' options name it without loading the config schema). */
export const DEFAULT_CONFIG_PATH = '/etc/flowprobe/flowprobe.yaml';
