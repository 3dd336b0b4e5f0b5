package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// writeData writes data to path, or to w when path is empty or "-".
//
// A regular file (or a new one) is replaced atomically: the data goes to a
// temporary file of a unique name beside it, synced, then renamed over it, and the
// temporary file is removed on any failure. A symbolic link is followed: the file
// it points to is replaced, the link stays. Anything else (a device such as
// /dev/null, a named pipe, a terminal) is written directly, never replaced; a
// directory is an error naming it.
func writeData(path string, w io.Writer, data []byte) error {
	if path == "" || path == "-" {
		_, err := w.Write(data)
		return err
	}
	target := path
	mode := fs.FileMode(0o644)
	if real, err := filepath.EvalSymlinks(path); err == nil {
		target = real
	}
	switch st, err := os.Stat(target); {
	case errors.Is(err, fs.ErrNotExist):
		// a new file
	case err != nil:
		return err
	case st.IsDir():
		return fmt.Errorf("%s is a directory: give a file name", path)
	case !st.Mode().IsRegular():
		return writeDirect(target, data)
	default:
		mode = st.Mode().Perm()
	}
	return replaceFile(target, data, mode)
}

// writeDirect writes data to an existing file that is not a regular one.
func writeDirect(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// replaceFile writes data to a unique temporary file in path's directory and
// renames it over path.
func replaceFile(path string, data []byte, mode fs.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
