import type { Command } from '../command';

/** What `wxhub storage …` does, loaded only when one of them runs: `--help` and `--version` load no command. */
function implementation(): typeof import('./storage-run') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('./storage-run') as typeof import('./storage-run');
}

export const storageCommands: readonly Command[] = [
  {
    name: 'storage upload',
    summary: 'upload a file (tcb/uploadfile, then the form POST of the bytes)',
    operands: '<file> <cloudPath>',
    details: ['Shows progress on stderr and prints the new file ID (cloud://…).'],
    options: [['content-type', 'the Content-Type stored with the file (default application/octet-stream)']],
    examples: ['wxhub storage upload ./logo.png images/logo.png --app A --content-type image/png'],
    run: (context) => implementation().upload(context),
  },
  {
    name: 'storage url',
    summary: 'temporary download URLs (tcb/batchdownloadfile)',
    operands: '<fileId...>',
    details: ['Prints "fileId<TAB>url" per file. A file without a URL (not found, …) is reported on stderr', 'and the exit code is 1.'],
    options: [['max-age', 'seconds the URLs stay valid (default 7200)']],
    examples: ['wxhub storage url cloud://a-env-0a1b2c.6165-a-env-0a1b2c/images/logo.png --app A --max-age 600'],
    run: (context) => implementation().url(context),
  },
  {
    name: 'storage delete',
    summary: 'delete files (tcb/batchdeletefile)',
    operands: '<fileId...>',
    details: ['Prints each deleted file ID. A file that could not be deleted is reported on stderr and', 'the exit code is 1.'],
    options: [],
    examples: ['wxhub storage delete cloud://a-env-0a1b2c.6165-a-env-0a1b2c/tmp/a.txt --app A'],
    run: (context) => implementation().deleteFiles(context),
  },
];
