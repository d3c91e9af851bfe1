// Where VS Code's SecretStorage really keeps values, in the words of this host: the OS keychain on desktop,
// the browser's storage in a browser-hosted VS Code. Every prompt and message that names the place uses these.
import * as vscode from 'vscode';

/** Where SecretStorage keeps values, in a few words for prompts ("the OS keychain" only where it is one). */
export function storageShortName(): string {
  return vscode.env.uiKind === vscode.UIKind.Web ? 'this browser\'s storage for VS Code' : 'the OS keychain';
}

/** Where SecretStorage keeps values, in the words of this VS Code's host. */
export function storageDescription(): string {
  if (vscode.env.uiKind === vscode.UIKind.Web) {
    return 'VS Code SecretStorage. In this browser-based VS Code it is kept, encrypted, in the browser\'s storage for this site; in desktop VS Code it is the operating system\'s keychain.';
  }
  const keychain =
    process.platform === 'win32'
      ? 'Windows Credential Manager'
      : process.platform === 'darwin'
        ? 'the macOS Keychain'
        : 'the Secret Service keyring (GNOME Keyring / KWallet via libsecret)';
  const remote = vscode.env.remoteName ? ` Even in this ${vscode.env.remoteName} window they stay on your local machine.` : '';
  return `VS Code SecretStorage, encrypted with ${keychain}.${remote}`;
}

